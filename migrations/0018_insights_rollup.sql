CREATE TABLE `insights_days` (
	`guild_id` text NOT NULL,
	`day` integer NOT NULL,
	`active` integer NOT NULL,
	`active7` integer NOT NULL,
	`kudos` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `insights_member_days` (
	`guild_id` text NOT NULL,
	`member_id` text NOT NULL,
	`day` integer NOT NULL,
	`kinds` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `insights_member_days_member` ON `insights_member_days` (`guild_id`,`member_id`,`day`,`kinds`);--> statement-breakpoint
CREATE INDEX `insights_member_days_day` ON `insights_member_days` (`guild_id`,`day`);--> statement-breakpoint
CREATE INDEX `insights_member_days_voted` ON `insights_member_days` (`guild_id`,`day`) WHERE (kinds & 4) <> 0;--> statement-breakpoint
CREATE TABLE `insights_members` (
	`guild_id` text NOT NULL,
	`member_id` text NOT NULL,
	`first_day` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `member_id`)
);
--> statement-breakpoint
CREATE INDEX `insights_members_first` ON `insights_members` (`guild_id`,`first_day`);--> statement-breakpoint
CREATE TABLE `insights_rollup_months` (
	`guild_id` text NOT NULL,
	`month` integer NOT NULL,
	`until` integer NOT NULL,
	`votes` integer NOT NULL,
	`responses` integer NOT NULL,
	`answers` integer NOT NULL,
	`kudos` integer NOT NULL,
	PRIMARY KEY(`guild_id`, `month`)
);
--> statement-breakpoint
CREATE TABLE `insights_rollups` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`built_to` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `insights_digests` ADD `next_due_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `insights_digests_due` ON `insights_digests` (`next_due_at`);