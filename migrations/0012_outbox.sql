CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`guild_id` text NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`due_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`done_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_key_unique` ON `outbox` (`key`);--> statement-breakpoint
CREATE INDEX `outbox_pending_due` ON `outbox` (`due_at`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `outbox_done` ON `outbox` (`done_at`) WHERE status <> 'pending';--> statement-breakpoint
DROP INDEX `polls_final_edit_due`;--> statement-breakpoint
ALTER TABLE `polls` DROP COLUMN `final_edit_due_at`;