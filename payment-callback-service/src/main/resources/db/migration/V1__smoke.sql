CREATE TABLE placeholder_smoke (id BIGINT PRIMARY KEY);
