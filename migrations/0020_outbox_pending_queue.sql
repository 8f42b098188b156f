DROP INDEX `outbox_pending_due`;--> statement-breakpoint
DROP INDEX `outbox_pending_guild`;--> statement-breakpoint
CREATE INDEX `outbox_pending_queue` ON `outbox` (`guild_id`,`kind`,`due_at`) WHERE status = 'pending';