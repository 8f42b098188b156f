CREATE TABLE `privacy_erasures` (
	`key` text PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`erased_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `privacy_erasures_time` ON `privacy_erasures` (`erased_at`);--> statement-breakpoint
CREATE INDEX `privacy_erasures_guild` ON `privacy_erasures` (`guild_id`);--> statement-breakpoint
CREATE TABLE `privacy_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`requested_by` text NOT NULL,
	`member_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `privacy_requests_created` ON `privacy_requests` (`created_at`);--> statement-breakpoint
CREATE INDEX `privacy_requests_member` ON `privacy_requests` (`guild_id`,`member_id`);--> statement-breakpoint
CREATE TABLE `privacy_retention` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`months` integer NOT NULL,
	`next_run_at` integer NOT NULL,
	`last_run_at` integer
);
--> statement-breakpoint
CREATE INDEX `privacy_retention_due` ON `privacy_retention` (`next_run_at`);--> statement-breakpoint
CREATE TABLE `privacy_servers` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`left_at` integer,
	`delete_at` integer
);
--> statement-breakpoint
CREATE INDEX `privacy_servers_delete` ON `privacy_servers` (`delete_at`) WHERE delete_at IS NOT NULL;--> statement-breakpoint
-- Every server Hearth already holds data for is known from the start, so one it left before this
-- version (or while it was down) is found missing at the next start and deleted 30 days later.
INSERT OR IGNORE INTO `privacy_servers` (`guild_id`)
  SELECT `guild_id` FROM `guild_settings` UNION SELECT `guild_id` FROM `polls` UNION SELECT `guild_id` FROM `surveys`
  UNION SELECT `guild_id` FROM `checkin_schedules` UNION SELECT `guild_id` FROM `kudos`;--> statement-breakpoint
CREATE INDEX `checkin_answers_linked` ON `checkin_answers` (`guild_id`,`answered_at`) WHERE member_id < '~';--> statement-breakpoint
CREATE INDEX `kudos_with_message` ON `kudos` (`guild_id`,`created_at`) WHERE message <> '';--> statement-breakpoint
CREATE INDEX `outbox_guild` ON `outbox` (`guild_id`,`status`,`done_at`);