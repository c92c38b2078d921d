-- case: a second fulltext index in the same table needs its own ALTER
-- @@ current
CREATE TABLE `t` (`id` int PRIMARY KEY, `title` varchar(200), `body` text);
-- @@ desired
CREATE TABLE `t` (`id` int PRIMARY KEY, `title` varchar(200), `body` text, FULLTEXT KEY `ft_body` (`body`), FULLTEXT KEY `ft_title` (`title`));
-- @@ plan
ALTER TABLE `t`
  ADD FULLTEXT KEY `ft_body` (`body`);
ALTER TABLE `t`
  ADD FULLTEXT KEY `ft_title` (`title`);
