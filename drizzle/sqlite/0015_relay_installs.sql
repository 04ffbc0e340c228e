ALTER TABLE `data_centers` ADD `relay_installs` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `node_images` ADD `copied_from_node_id` text REFERENCES nodes(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `nodes` ADD `dc_address` text;