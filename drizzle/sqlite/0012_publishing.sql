CREATE TABLE `cloud_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`settings` text NOT NULL,
	`sealed_secrets` text NOT NULL,
	`data_center_id` text,
	`last_tested_at` integer,
	`last_test_error` text,
	`last_success_at` integer,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`data_center_id`) REFERENCES `data_centers`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cloud_accounts_name_unique` ON `cloud_accounts` (`name`);--> statement-breakpoint
CREATE TABLE `publications` (
	`id` text PRIMARY KEY NOT NULL,
	`image_id` text NOT NULL,
	`account_id` text NOT NULL,
	`status` text NOT NULL,
	`remote_id` text,
	`remote_url` text,
	`format_sent` text,
	`compared` text,
	`remote_state` text,
	`error` text,
	`job_id` text,
	`published_by` text,
	`published_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_id`) REFERENCES `cloud_accounts`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`job_id`) REFERENCES `jobs`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`published_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `publications_image_account` ON `publications` (`image_id`,`account_id`);--> statement-breakpoint
CREATE INDEX `publications_account_idx` ON `publications` (`account_id`);