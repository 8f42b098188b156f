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
ALTER TABLE `checkin_schedules` ADD `delivery` text DEFAULT 'channel' NOT NULL;