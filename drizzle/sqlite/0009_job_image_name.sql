ALTER TABLE `jobs` ADD `image_name` text;--> statement-breakpoint
-- Jobs queued before the column existed: the image's current name, or, for an import whose
-- image never came to be, the name its parameters gave.
UPDATE `jobs` SET `image_name` = coalesce(
  (SELECT `name` FROM `images` WHERE `images`.`id` = `jobs`.`image_id`),
  json_extract(`params`, '$.imageName')
);
