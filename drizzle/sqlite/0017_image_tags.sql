CREATE TABLE `image_tags` (
	`tag` text NOT NULL,
	`image_id` text NOT NULL,
	PRIMARY KEY(`tag`, `image_id`),
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `image_tags_image_idx` ON `image_tags` (`image_id`);--> statement-breakpoint
CREATE INDEX `nodes_dc_status_idx` ON `nodes` (`data_center_id`,`status`);--> statement-breakpoint
-- Images created before this table: their tags, one row each (strings only, as the portal writes).
INSERT OR IGNORE INTO `image_tags` (`tag`, `image_id`) SELECT DISTINCT tag.value, `images`.`id` FROM `images`, json_each(`images`.`tags`) AS tag WHERE tag.type = 'text';
