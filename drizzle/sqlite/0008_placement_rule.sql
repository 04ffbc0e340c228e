-- A node offers an image only where the image is usable in the node's data center: bound to it or
-- attached to it. Rows that broke that rule (an install on a data center the image was never
-- attached to) stop being offered; the file stays on the node. Each change is audited, system-made.
INSERT INTO `audit_events` (`at`, `user_id`, `action`, `target_type`, `target_id`, `data_center_id`, `outcome`, `details`)
SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000, NULL, 'image.placement.withdraw', 'image', `ni`.`image_id`, `n`.`data_center_id`, 'ok',
  json_object('nodeId', `ni`.`node_id`, 'reason', 'not attached to the node''s data center (placement rule, migration 0008)')
FROM `node_images` `ni`
JOIN `nodes` `n` ON `n`.`id` = `ni`.`node_id`
JOIN `images` `i` ON `i`.`id` = `ni`.`image_id`
WHERE `ni`.`available` = 1
  AND (`i`.`dc_bound_id` IS NULL OR `i`.`dc_bound_id` <> `n`.`data_center_id`)
  AND NOT EXISTS (SELECT 1 FROM `image_data_centers` `idc` WHERE `idc`.`image_id` = `ni`.`image_id` AND `idc`.`data_center_id` = `n`.`data_center_id`);
--> statement-breakpoint
UPDATE `node_images` SET `available` = 0
WHERE `available` = 1
  AND NOT EXISTS (
    SELECT 1 FROM `nodes` `n` JOIN `images` `i` ON `i`.`id` = `node_images`.`image_id`
    WHERE `n`.`id` = `node_images`.`node_id`
      AND (`i`.`dc_bound_id` = `n`.`data_center_id`
        OR EXISTS (SELECT 1 FROM `image_data_centers` `idc` WHERE `idc`.`image_id` = `node_images`.`image_id` AND `idc`.`data_center_id` = `n`.`data_center_id`))
  );
