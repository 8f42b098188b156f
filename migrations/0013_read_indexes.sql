CREATE INDEX `polls_guild_closed` ON `polls` (`guild_id`,`status`,`closed_at`);--> statement-breakpoint
CREATE INDEX `surveys_guild_closed` ON `surveys` (`guild_id`,`status`,`closed_at`);--> statement-breakpoint
CREATE INDEX `outbox_pending_guild` ON `outbox` (`guild_id`,`due_at`) WHERE status = 'pending';