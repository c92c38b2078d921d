-- case: a fulltext index
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY, `body` text);
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY, `body` text, FULLTEXT KEY `ft_body` (`body`));
-- @@ plan
ALTER TABLE `t`
  ADD FULLTEXT KEY `ft_body` (`body`);
