CREATE TABLE `member_preferences` (
	`guild_id` text NOT NULL,
	`user_id` text NOT NULL,
	`time_zone` text,
	`direct_messages` integer DEFAULT true NOT NULL,
	`unreachable_until` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `user_id`)
);
--> statement-breakpoint
CREATE INDEX `member_preferences_unreachable` ON `member_preferences` (`guild_id`,`unreachable_until`);