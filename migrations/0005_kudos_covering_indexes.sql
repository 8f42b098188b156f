DROP INDEX `kudos_guild_time`;--> statement-breakpoint
DROP INDEX `kudos_guild_recipient_value`;--> statement-breakpoint
CREATE INDEX `kudos_live_time` ON `kudos` (`guild_id`,`created_at`,`recipient_id`,`giver_id`,`value`,`removed_at`) WHERE removed_at IS NULL;--> statement-breakpoint
CREATE INDEX `kudos_live_recipient` ON `kudos` (`guild_id`,`recipient_id`,`value`,`removed_at`) WHERE removed_at IS NULL;--> statement-breakpoint
CREATE INDEX `kudos_live_giver` ON `kudos` (`guild_id`,`giver_id`,`value`,`removed_at`) WHERE removed_at IS NULL;