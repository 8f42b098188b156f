CREATE TABLE `survey_answers` (
	`response_id` integer NOT NULL,
	`question_id` integer NOT NULL,
	`survey_id` integer NOT NULL,
	`num` integer,
	`text` text,
	PRIMARY KEY(`response_id`, `question_id`),
	FOREIGN KEY (`response_id`) REFERENCES `survey_responses`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`question_id`) REFERENCES `survey_questions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `survey_answers_question` ON `survey_answers` (`survey_id`,`question_id`,`num`);--> statement-breakpoint
CREATE TABLE `survey_questions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`survey_id` integer NOT NULL,
	`guild_id` text NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`prompt` text NOT NULL,
	`choices` text,
	`required` integer NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `survey_questions_survey` ON `survey_questions` (`survey_id`,`position`);--> statement-breakpoint
CREATE TABLE `survey_responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`survey_id` integer NOT NULL,
	`guild_id` text NOT NULL,
	`respondent` text NOT NULL,
	`step` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`submitted_at` integer,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `survey_responses_member` ON `survey_responses` (`survey_id`,`respondent`);--> statement-breakpoint
CREATE INDEX `survey_responses_submitted` ON `survey_responses` (`survey_id`,`submitted_at`);--> statement-breakpoint
CREATE TABLE `survey_settings` (
	`guild_id` text PRIMARY KEY NOT NULL,
	`min_responses` integer DEFAULT 3 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `surveys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`guild_id` text NOT NULL,
	`creator_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`anonymous` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`channel_id` text,
	`message_id` text,
	`created_at` integer NOT NULL,
	`published_at` integer,
	`closes_at` integer,
	`closed_at` integer,
	`respondent_secret` text,
	`responses` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `surveys_guild_status` ON `surveys` (`guild_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `surveys_open_closing` ON `surveys` (`closes_at`) WHERE status = 'open' AND closes_at IS NOT NULL;