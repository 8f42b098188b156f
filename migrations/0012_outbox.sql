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
-- Effects that were waiting in the old per-feature retry columns move to the outbox.
INSERT INTO `outbox` (`key`, `guild_id`, `kind`, `payload`, `due_at`, `created_at`)
  SELECT 'poll.final-results:' || `id`, `guild_id`, 'poll.final-results', json_object('pollId', `id`), `final_edit_due_at`, CAST(strftime('%s', 'now') AS INTEGER) * 1000
  FROM `polls` WHERE `final_edit_due_at` IS NOT NULL;--> statement-breakpoint
INSERT INTO `outbox` (`key`, `guild_id`, `kind`, `payload`, `due_at`, `created_at`)
  SELECT 'survey.closed-card:' || `id`, `guild_id`, 'survey.closed-card', json_object('surveyId', `id`), `card_edit_due_at`, CAST(strftime('%s', 'now') AS INTEGER) * 1000
  FROM `surveys` WHERE `card_edit_due_at` IS NOT NULL;--> statement-breakpoint
INSERT INTO `outbox` (`key`, `guild_id`, `kind`, `payload`, `due_at`, `created_at`)
  SELECT 'kudos.roundup:' || r.`guild_id` || ':' || r.`week`, r.`guild_id`, 'kudos.roundup',
    json_object('guildId', r.`guild_id`, 'channelId', g.`recognition_channel_id`, 'timezone', g.`timezone`, 'week', r.`week`, 'dueAt', r.`claimed_at`),
    r.`claimed_at`, CAST(strftime('%s', 'now') AS INTEGER) * 1000
  FROM `kudos_roundups` r JOIN `guild_settings` g ON g.`guild_id` = r.`guild_id`
  WHERE r.`status` = 'posting' AND g.`recognition_channel_id` IS NOT NULL
    AND r.`claimed_at` >= CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 86400000;--> statement-breakpoint
-- A roundup left half-posted by a crash longer ago than the day's catch-up may be out already: not again.
UPDATE `kudos_roundups` SET `status` = 'failed' WHERE `status` = 'posting'
  AND NOT EXISTS (SELECT 1 FROM `outbox` o WHERE o.`key` = 'kudos.roundup:' || `kudos_roundups`.`guild_id` || ':' || `kudos_roundups`.`week`);--> statement-breakpoint
DROP INDEX `polls_final_edit_due`;--> statement-breakpoint
ALTER TABLE `polls` DROP COLUMN `final_edit_due_at`;--> statement-breakpoint
DROP INDEX `surveys_card_edit_due`;--> statement-breakpoint
ALTER TABLE `surveys` DROP COLUMN `card_edit_due_at`;