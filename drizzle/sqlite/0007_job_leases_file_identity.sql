CREATE TABLE `store_reservations` (
	`id` text PRIMARY KEY NOT NULL,
	`temp_file` text NOT NULL,
	`bytes` integer NOT NULL,
	`owner` text NOT NULL,
	`lease_until` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `store_reservations_tempFile_unique` ON `store_reservations` (`temp_file`);--> statement-breakpoint
ALTER TABLE `jobs` ADD `owner` text;--> statement-breakpoint
ALTER TABLE `jobs` ADD `lease_until` integer;--> statement-breakpoint
CREATE INDEX `jobs_owner_idx` ON `jobs` (`owner`);--> statement-breakpoint
ALTER TABLE `node_images` ADD `verified_size_bytes` integer;--> statement-breakpoint
ALTER TABLE `node_images` ADD `verified_mtime` text;--> statement-breakpoint
-- Node files used to be named after the image's name. Rows that have no path yet (an install queued
-- but not started, or paused before it recorded one) get the path those versions would have used,
-- so a resume finds its .part; nothing moves on the nodes, and rows with a path keep it.
UPDATE `node_images` SET `path` = (
  SELECT `n`.`image_dir` || '/' || `i`.`name` || '.' || `i`.`disk_format`
  FROM `nodes` `n`, `images` `i`
  WHERE `n`.`id` = `node_images`.`node_id` AND `i`.`id` = `node_images`.`image_id`
) WHERE `path` IS NULL;
