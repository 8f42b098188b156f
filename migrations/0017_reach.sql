CREATE TABLE `checkin_subscriptions` (
	`schedule_id` integer NOT NULL,
	`guild_id` text NOT NULL,
	`member_id` text NOT NULL,
	`subscribed_at` integer NOT NULL,
	PRIMARY KEY(`schedule_id`, `member_id`),
	FOREIGN KEY (`schedule_id`) REFERENCES `checkin_schedules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `checkin_subscriptions_member` ON `checkin_subscriptions` (`guild_id`,`member_id`);--> statement-breakpoint
CREATE TABLE `survey_pulses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`survey_id` integer NOT NULL,
	`channel_id` text NOT NULL,
	`every` text NOT NULL,
	`weekday` integer NOT NULL,
	`hour` integer NOT NULL,
	`minute` integer NOT NULL,
	`timezone` text NOT NULL,
	`open_for_ms` integer NOT NULL,
	`next_round_at` integer,
	`rounds` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_pulses_survey` ON `survey_pulses` (`survey_id`);--> statement-breakpoint
CREATE INDEX `survey_pulses_due` ON `survey_pulses` (`next_round_at`) WHERE next_round_at IS NOT NULL;--> statement-breakpoint
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
CREATE INDEX `member_preferences_unreachable` ON `member_preferences` (`guild_id`,`unreachable_until`);--> statement-breakpoint
ALTER TABLE `checkin_schedules` ADD `delivery` text DEFAULT 'channel' NOT NULL;--> statement-breakpoint
ALTER TABLE `surveys` ADD `remind_unfinished` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `surveys` ADD `pulse_id` integer;--> statement-breakpoint
ALTER TABLE `surveys` ADD `round` integer;--> statement-breakpoint
CREATE INDEX `surveys_pulse_round` ON `surveys` (`pulse_id`,`round`) WHERE pulse_id IS NOT NULL;