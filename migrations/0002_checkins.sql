CREATE TABLE `checkin_answers` (
	`run_id` integer NOT NULL,
	`member_id` text NOT NULL,
	`schedule_id` integer NOT NULL,
	`guild_id` text NOT NULL,
	`mood` integer,
	`note` text,
	`answered_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`run_id`, `member_id`),
	FOREIGN KEY (`run_id`) REFERENCES `checkin_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `checkin_answers_by_member` ON `checkin_answers` (`schedule_id`,`member_id`,`run_id`);--> statement-breakpoint
CREATE INDEX `checkin_answers_by_mood` ON `checkin_answers` (`run_id`,`mood`);--> statement-breakpoint
CREATE TABLE `checkin_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`schedule_id` integer NOT NULL,
	`guild_id` text NOT NULL,
	`scheduled_for` integer NOT NULL,
	`manual` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`message_id` text,
	`reason` text,
	`recorded_at` integer NOT NULL,
	FOREIGN KEY (`schedule_id`) REFERENCES `checkin_schedules`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `checkin_runs_once` ON `checkin_runs` (`schedule_id`,`scheduled_for`);--> statement-breakpoint
CREATE INDEX `checkin_runs_guild` ON `checkin_runs` (`guild_id`,`id`);--> statement-breakpoint
CREATE TABLE `checkin_schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`name` text NOT NULL,
	`prompt` text NOT NULL,
	`when_text` text NOT NULL,
	`cron` text NOT NULL,
	`every_weeks` integer DEFAULT 1 NOT NULL,
	`anchor_week` integer,
	`timezone` text NOT NULL,
	`anonymous` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`next_run_at` integer
);
--> statement-breakpoint
CREATE INDEX `checkin_schedules_guild` ON `checkin_schedules` (`guild_id`,`id`);--> statement-breakpoint
CREATE INDEX `checkin_schedules_due` ON `checkin_schedules` (`next_run_at`) WHERE status = 'active' AND next_run_at IS NOT NULL;--> statement-breakpoint
CREATE TABLE `checkin_skips` (
	`schedule_id` integer NOT NULL,
	`guild_id` text NOT NULL,
	`date` text NOT NULL,
	`created_by` text NOT NULL,
	PRIMARY KEY(`schedule_id`, `date`),
	FOREIGN KEY (`schedule_id`) REFERENCES `checkin_schedules`(`id`) ON UPDATE no action ON DELETE cascade
);
