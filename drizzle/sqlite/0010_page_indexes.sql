-- Indexes for the pages at seed:large scale (10,000 images, 200 nodes, 100,000 jobs and audit
-- events): jobs newest first (overall, per data center, per image), the Audit filters, the
-- Overview's troubled copies and failed jobs, and each node's rows by state.
DROP INDEX `jobs_dc_idx`;--> statement-breakpoint
CREATE INDEX `jobs_status_finished_idx` ON `jobs` (`status`,`finished_at`);--> statement-breakpoint
CREATE INDEX `jobs_created_idx` ON `jobs` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_dc_created_idx` ON `jobs` (`data_center_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_image_created_idx` ON `jobs` (`image_id`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `audit_target_idx`;--> statement-breakpoint
CREATE INDEX `audit_action_idx` ON `audit_events` (`action`,`at`,`data_center_id`);--> statement-breakpoint
CREATE INDEX `audit_user_idx` ON `audit_events` (`user_id`,`at`,`data_center_id`);--> statement-breakpoint
CREATE INDEX `audit_target_idx` ON `audit_events` (`target_type`,`target_id`,`at`,`data_center_id`);--> statement-breakpoint
CREATE INDEX `node_images_node_state_idx` ON `node_images` (`node_id`,`state`,`available`);--> statement-breakpoint
CREATE INDEX `node_images_troubled_idx` ON `node_images` (`image_id`,`updated_at`,`node_id`) WHERE state in ('missing', 'failed');