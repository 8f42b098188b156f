CREATE TABLE `poll_choices` (
	`poll_id` integer NOT NULL,
	`position` integer NOT NULL,
	`label` text NOT NULL,
	`votes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`poll_id`, `position`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `poll_votes` (
	`poll_id` integer NOT NULL,
	`voter` text NOT NULL,
	`choice` integer NOT NULL,
	`voted_at` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `voter`, `choice`),
	FOREIGN KEY (`poll_id`) REFERENCES `polls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `polls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`message_id` text,
	`creator_id` text NOT NULL,
	`question` text NOT NULL,
	`multi` integer NOT NULL,
	`max_choices` integer,
	`anonymous` integer NOT NULL,
	`hide_results` integer NOT NULL,
	`role_id` text,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	`closes_at` integer,
	`closed_at` integer,
	`voter_secret` text,
	`voters` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `polls_guild_status` ON `polls` (`guild_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `polls_open_closing` ON `polls` (`closes_at`) WHERE status = 'open' AND closes_at IS NOT NULL;--> statement-breakpoint
ALTER TABLE `guild_settings` ADD `polls_by_members` integer DEFAULT false NOT NULL;