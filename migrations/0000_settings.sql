CREATE TABLE `guild_settings` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`leader_role_id` text,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`recognition_channel_id` text,
	`updated_at` integer NOT NULL
);
