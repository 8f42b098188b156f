CREATE TABLE `kudos` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`giver_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`value` text NOT NULL,
	`message` text NOT NULL,
	`channel_id` text NOT NULL,
	`message_id` text,
	`created_at` integer NOT NULL,
	`removed_at` integer,
	`removed_by` text
);
--> statement-breakpoint
CREATE INDEX `kudos_guild_time` ON `kudos` (`guild_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `kudos_guild_recipient_value` ON `kudos` (`guild_id`,`recipient_id`,`value`);--> statement-breakpoint
CREATE INDEX `kudos_guild_recipient_time` ON `kudos` (`guild_id`,`recipient_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `kudos_guild_giver_time` ON `kudos` (`guild_id`,`giver_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `kudos_milestones` (
	`guild_id` text NOT NULL,
	`count` integer NOT NULL,
	`role_id` text NOT NULL,
	PRIMARY KEY(`guild_id`, `count`)
);
--> statement-breakpoint
CREATE TABLE `kudos_roundups` (
	`guild_id` text NOT NULL,
	`week` text NOT NULL,
	`status` text NOT NULL,
	`message_id` text,
	`claimed_at` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `week`)
);
--> statement-breakpoint
CREATE TABLE `kudos_settings` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`daily_limit` integer DEFAULT 5 NOT NULL,
	`roundup_enabled` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `kudos_values` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`position` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kudos_values_guild_name` ON `kudos_values` (`guild_id`,`name`);