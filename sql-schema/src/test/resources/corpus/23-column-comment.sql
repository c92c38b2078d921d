-- case: a column comment
-- @@ current
CREATE TABLE `t` (`a` int COMMENT 'old');
-- @@ desired
CREATE TABLE `t` (`a` int COMMENT 'it''s new');
-- @@ plan
ALTER TABLE `t`
  MODIFY COLUMN `a` int NULL DEFAULT NULL COMMENT 'it''s new';
