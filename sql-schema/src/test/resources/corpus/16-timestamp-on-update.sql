-- case: current_timestamp default and ON UPDATE
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY, `updated_at` timestamp NULL);
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY, `updated_at` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, `at6` datetime(6) DEFAULT NOW(6));
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `updated_at` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
  ADD COLUMN `at6` datetime(6) NULL DEFAULT current_timestamp(6) AFTER `updated_at`;
