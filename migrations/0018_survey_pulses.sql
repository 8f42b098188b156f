CREATE TABLE `survey_pulses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`survey_id` integer NOT NULL,
	`channel_id` text NOT NULL,
	`every` text NOT NULL,
	`weekday` integer NOT NULL,
	`hour` integer NOT NULL,
	`minute` integer NOT NULL,
	`timezone` text NOT NULL,
	`open_for_ms` integer NOT NULL,
	`next_round_at` integer,
	`rounds` integer DEFAULT 0 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_pulses_survey` ON `survey_pulses` (`survey_id`);--> statement-breakpoint
CREATE INDEX `survey_pulses_due` ON `survey_pulses` (`next_round_at`) WHERE next_round_at IS NOT NULL;--> statement-breakpoint
ALTER TABLE `surveys` ADD `pulse_id` integer;--> statement-breakpoint
ALTER TABLE `surveys` ADD `round` integer;--> statement-breakpoint
CREATE INDEX `surveys_pulse_round` ON `surveys` (`pulse_id`,`round`) WHERE pulse_id IS NOT NULL;