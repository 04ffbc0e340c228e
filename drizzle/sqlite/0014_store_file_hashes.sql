CREATE TABLE `store_file_hashes` (
	`image_id` text PRIMARY KEY NOT NULL,
	`store_file` text NOT NULL,
	`sha256` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`mtime` text NOT NULL,
	`ctime` text NOT NULL,
	`inode` text NOT NULL,
	`hashed_at` integer NOT NULL,
	FOREIGN KEY (`image_id`) REFERENCES `images`(`id`) ON UPDATE no action ON DELETE cascade
);
