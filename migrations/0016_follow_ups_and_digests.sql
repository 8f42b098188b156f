CREATE TABLE `poll_follow_ups` (
	`poll_id` integer PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`message` text NOT NULL,
	`revision` integer NOT NULL,
	`message_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `poll_follow_ups_guild` ON `poll_follow_ups` (`guild_id`,`poll_id`);--> statement-breakpoint
CREATE TABLE `survey_follow_ups` (
	`survey_id` integer PRIMARY KEY NOT NULL,
	`guild_id` text NOT NULL,
	`message` text NOT NULL,
	`revision` integer NOT NULL,
	`message_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `survey_follow_ups_guild` ON `survey_follow_ups` (`guild_id`,`survey_id`);--> statement-breakpoint
CREATE TABLE `insights_digests` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`channel_id` text NOT NULL,
	`every` text NOT NULL,
	`day` integer NOT NULL,
	`minute` integer NOT NULL,
	`since` integer NOT NULL,
	`last_period` text,
	`last_status` text,
	`last_at` integer,
	`last_message_id` text,
	`last_problem` text
);
