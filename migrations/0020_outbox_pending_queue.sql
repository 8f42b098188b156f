DROP INDEX `outbox_pending_guild`;--> statement-breakpoint
DROP INDEX `outbox_pending_due`;--> statement-breakpoint
CREATE INDEX `outbox_pending_queue` ON `outbox` (`guild_id`,`kind`,`due_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_pending_due` ON `outbox` (`due_at`,`guild_id`,`kind`) WHERE status = 'pending';