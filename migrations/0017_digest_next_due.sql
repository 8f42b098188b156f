ALTER TABLE `insights_digests` ADD `next_due_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `insights_digests_due` ON `insights_digests` (`next_due_at`);