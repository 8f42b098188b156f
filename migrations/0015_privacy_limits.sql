CREATE TABLE `kudos_spent` (
	`guild_id` text NOT NULL,
	`giver_key` text NOT NULL,
	`given_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `kudos_spent_giver` ON `kudos_spent` (`guild_id`,`giver_key`,`given_at`);--> statement-breakpoint
CREATE INDEX `kudos_spent_time` ON `kudos_spent` (`given_at`);--> statement-breakpoint
ALTER TABLE `privacy_servers` ADD `owner_asked` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `privacy_servers` ADD `deleting` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Anonymous check-in answers of forgotten members were filed under random letters and digits: they
-- now stand for nobody the same way as every other unlinked answer (`~` and the row id).
UPDATE `checkin_answers` SET `member_id` = '~' || rowid WHERE `member_id` < '~' AND length(`member_id`) = 32 AND `member_id` GLOB '*[a-f]*';