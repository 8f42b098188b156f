ALTER TABLE `polls` ADD `final_edit_due_at` integer;--> statement-breakpoint
CREATE INDEX `polls_final_edit_due` ON `polls` (`final_edit_due_at`) WHERE final_edit_due_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `poll_votes_by_choice` ON `poll_votes` (`poll_id`,`choice`,`voted_at`);