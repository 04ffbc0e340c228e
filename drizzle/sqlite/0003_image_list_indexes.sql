CREATE INDEX `images_name_nocase_idx` ON `images` ("name" collate nocase,`name`,`access`);--> statement-breakpoint
CREATE INDEX `images_created_idx` ON `images` (`created_at`,`name`,`access`);--> statement-breakpoint
CREATE INDEX `images_size_idx` ON `images` (`size_bytes`,`name`,`access`);--> statement-breakpoint
CREATE INDEX `images_version_idx` ON `images` (`version`,`name`,`access`);--> statement-breakpoint
CREATE INDEX `images_os_type_idx` ON `images` (`os_type`);--> statement-breakpoint
CREATE INDEX `images_disk_format_idx` ON `images` (`disk_format`);