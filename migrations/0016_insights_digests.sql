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
