CREATE TABLE `job_runner_data_centers` (
	`runner_id` text NOT NULL,
	`data_center_id` text NOT NULL,
	PRIMARY KEY(`runner_id`, `data_center_id`),
	FOREIGN KEY (`runner_id`) REFERENCES `job_runners`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`data_center_id`) REFERENCES `data_centers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_runner_dcs_dc_idx` ON `job_runner_data_centers` (`data_center_id`);--> statement-breakpoint
CREATE TABLE `job_runners` (
	`id` text PRIMARY KEY NOT NULL,
	`role` text NOT NULL,
	`host` text NOT NULL,
	`pid` integer NOT NULL,
	`started_at` integer NOT NULL,
	`alive_until` integer NOT NULL
);
