ALTER TABLE `jobs` ADD `run_after` integer;--> statement-breakpoint
ALTER TABLE `jobs` ADD `bytes_transferred` integer DEFAULT 0 NOT NULL;