DROP INDEX `checkin_schedules_due`;--> statement-breakpoint
ALTER TABLE `checkin_schedules` ADD `claim_at` integer;--> statement-breakpoint
-- Every schedule's next run is claimed at its moment until it next moves on, which sets its lead.
UPDATE `checkin_schedules` SET `claim_at` = `next_run_at`;--> statement-breakpoint
CREATE INDEX `checkin_schedules_claim` ON `checkin_schedules` (`claim_at`) WHERE status = 'active' AND claim_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `checkin_runs_queued` ON `checkin_runs` (`schedule_id`,`scheduled_for`) WHERE status = 'queued';--> statement-breakpoint
CREATE INDEX `checkin_runs_newest` ON `checkin_runs` (`schedule_id`,`scheduled_for`,`id`) WHERE status IN ('posted', 'queued');