CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_tokenHash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`user_id` text,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text,
	`data_center_id` text,
	`outcome` text NOT NULL,
	`details` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_events` (`at`);--> statement-breakpoint
CREATE INDEX `audit_dc_idx` ON `audit_events` (`data_center_id`,`at`);--> statement-breakpoint
CREATE TABLE `credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`public_key` text NOT NULL,
	`encrypted_private_key` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `data_centers` (
	`id` text PRIMARY KEY NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `data_centers_code_unique` ON `data_centers` (`code`);--> statement-breakpoint
CREATE TABLE `image_data_centers` (
	`image_id` text NOT NULL,
	`data_center_id` text NOT NULL,
	`attached_at` integer NOT NULL,
	`attached_by` text,
	PRIMARY KEY(`image_id`, `data_center_id`),
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`data_center_id`) REFERENCES `data_centers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`attached_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `image_dcs_dc_idx` ON `image_data_centers` (`data_center_id`);--> statement-breakpoint
CREATE TABLE `image_repositories` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`last_refreshed_at` integer,
	`image_count` integer,
	`last_error` text,
	`cached_manifests` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `image_repositories_name_unique` ON `image_repositories` (`name`);--> statement-breakpoint
CREATE TABLE `images` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`alias` text,
	`version` text DEFAULT '1' NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`os_type` text NOT NULL,
	`category` text NOT NULL,
	`access` text DEFAULT 'public' NOT NULL,
	`owner_id` text,
	`dc_bound_id` text,
	`status` text DEFAULT 'ok' NOT NULL,
	`protected` integer DEFAULT false NOT NULL,
	`disk_format` text NOT NULL,
	`container_format` text DEFAULT 'bare' NOT NULL,
	`kernel_image_id` text,
	`ramdisk_image_id` text,
	`min_disk_gb` integer DEFAULT 0 NOT NULL,
	`min_ram_mb` integer DEFAULT 0 NOT NULL,
	`boot_type` text DEFAULT 'bios' NOT NULL,
	`resizable` integer DEFAULT true NOT NULL,
	`shutdown_after_deploy` integer DEFAULT false NOT NULL,
	`source_url` text,
	`store_file` text,
	`size_bytes` integer,
	`md5` text,
	`sha256` text,
	`sha1` text,
	`virtual_size_bytes` integer,
	`tags` text DEFAULT '[]' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`dc_bound_id`) REFERENCES `data_centers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`kernel_image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ramdisk_image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `images_name_unique` ON `images` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `images_alias_version_unique` ON `images` (`alias`,`version`);--> statement-breakpoint
CREATE INDEX `images_dc_bound_idx` ON `images` (`dc_bound_id`);--> statement-breakpoint
CREATE INDEX `images_status_access_idx` ON `images` (`status`,`access`);--> statement-breakpoint
CREATE TABLE `job_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` text NOT NULL,
	`at` integer NOT NULL,
	`level` text NOT NULL,
	`message` text NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_events_job_idx` ON `job_events` (`job_id`,`id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`node_id` text,
	`image_id` text,
	`data_center_id` text,
	`params` text DEFAULT '{}' NOT NULL,
	`result` text,
	`phase` text,
	`bytes_done` integer DEFAULT 0 NOT NULL,
	`bytes_total` integer,
	`attempt` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 1 NOT NULL,
	`control_request` text,
	`error` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`node_id`) REFERENCES `nodes`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`data_center_id`) REFERENCES `data_centers`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `jobs_status_idx` ON `jobs` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `jobs_node_image_idx` ON `jobs` (`node_id`,`image_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_one_active_per_node_image` ON `jobs` (`node_id`,`image_id`) WHERE status in ('queued', 'running');--> statement-breakpoint
CREATE INDEX `jobs_dc_idx` ON `jobs` (`data_center_id`);--> statement-breakpoint
CREATE TABLE `machines` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`node_id` text NOT NULL,
	`image_id` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`node_id`) REFERENCES `nodes`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `machines_image_idx` ON `machines` (`image_id`);--> statement-breakpoint
CREATE INDEX `machines_node_idx` ON `machines` (`node_id`);--> statement-breakpoint
CREATE TABLE `node_images` (
	`node_id` text NOT NULL,
	`image_id` text NOT NULL,
	`state` text NOT NULL,
	`available` integer DEFAULT false NOT NULL,
	`path` text,
	`installed_at` integer,
	`verified_sha256` text,
	`last_job_id` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`node_id`, `image_id`),
	FOREIGN KEY (`node_id`) REFERENCES `nodes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `node_images_image_idx` ON `node_images` (`image_id`,`state`);--> statement-breakpoint
CREATE TABLE `nodes` (
	`id` text PRIMARY KEY NOT NULL,
	`data_center_id` text NOT NULL,
	`name` text NOT NULL,
	`host` text NOT NULL,
	`port` integer DEFAULT 22 NOT NULL,
	`ssh_user` text NOT NULL,
	`credential_id` text NOT NULL,
	`host_key_fingerprint` text NOT NULL,
	`image_dir` text NOT NULL,
	`status` text DEFAULT 'enabled' NOT NULL,
	`status_reason` text,
	`last_error` text,
	`last_seen_at` integer,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`cpus` integer,
	`memory_bytes` integer,
	`disk_total_bytes` integer,
	`disk_free_bytes` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`data_center_id`) REFERENCES `data_centers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credential_id`) REFERENCES `credentials`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `nodes_dc_name_unique` ON `nodes` (`data_center_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `nodes_address_unique` ON `nodes` (`host`,`port`);--> statement-breakpoint
CREATE TABLE `role_grants` (
	`user_id` text NOT NULL,
	`data_center_id` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `data_center_id`, `role`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`data_center_id`) REFERENCES `data_centers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `role_grants_dc_idx` ON `role_grants` (`data_center_id`);--> statement-breakpoint
CREATE TABLE `size_data_centers` (
	`size_id` text NOT NULL,
	`data_center_id` text NOT NULL,
	`available` integer NOT NULL,
	`reason` text,
	`checked_at` integer NOT NULL,
	PRIMARY KEY(`size_id`, `data_center_id`),
	FOREIGN KEY (`size_id`) REFERENCES `sizes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`data_center_id`) REFERENCES `data_centers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `sizes` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`vcpus` integer NOT NULL,
	`memory_mb` integer NOT NULL,
	`disk_gb` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sizes_name_unique` ON `sizes` (`name`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`password_hash` text NOT NULL,
	`is_super_admin` integer DEFAULT false NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);