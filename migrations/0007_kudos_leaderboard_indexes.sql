DROP INDEX `kudos_live_giver`;--> statement-breakpoint
DROP INDEX `kudos_guild_recipient_time`;--> statement-breakpoint
DROP INDEX `kudos_live_recipient`;--> statement-breakpoint
DROP INDEX `kudos_guild_giver_time`;--> statement-breakpoint
CREATE INDEX `kudos_live_recipient` ON `kudos` (`guild_id`,`recipient_id`,`created_at`,`value`,`removed_at`) WHERE removed_at IS NULL;--> statement-breakpoint
CREATE INDEX `kudos_guild_giver_time` ON `kudos` (`guild_id`,`giver_id`,`created_at`,`value`,`removed_at`);