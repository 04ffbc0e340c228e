CREATE TABLE "image_tags" (
	"tag" text NOT NULL,
	"image_id" text NOT NULL,
	CONSTRAINT "image_tags_tag_image_id_pk" PRIMARY KEY("tag","image_id")
);
--> statement-breakpoint
ALTER TABLE "image_tags" ADD CONSTRAINT "image_tags_image_id_images_id_fk" FOREIGN KEY ("image_id") REFERENCES "public"."images"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "image_tags_image_idx" ON "image_tags" USING btree ("image_id");--> statement-breakpoint
CREATE INDEX "nodes_dc_status_idx" ON "nodes" USING btree ("data_center_id","status");--> statement-breakpoint
-- Images created before this table: their tags, one row each.
INSERT INTO "image_tags" ("tag", "image_id") SELECT DISTINCT tag.value, "images"."id" FROM "images", jsonb_array_elements_text("images"."tags") AS tag(value) ON CONFLICT DO NOTHING;
