-- case: table comment and row format
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY);
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY) ROW_FORMAT=COMPACT COMMENT='the t table';
-- @@ plan
ALTER TABLE `t`
  ROW_FORMAT=COMPACT COMMENT='the t table';
