DROP INDEX `checkin_runs_once`;--> statement-breakpoint
CREATE INDEX `checkin_runs_posting` ON `checkin_runs` (`recorded_at`) WHERE status = 'posting';--> statement-breakpoint
CREATE UNIQUE INDEX `checkin_runs_once` ON `checkin_runs` (`schedule_id`,`scheduled_for`,`manual`);