PRAGMA application_id = 1296848722;

PRAGMA user_version = 1;

CREATE TABLE metric_artifacts (
	id INTEGER NOT NULL,
	run_id TEXT NOT NULL,
	node_id TEXT NOT NULL,
	task TEXT DEFAULT '' NOT NULL,
	curves TEXT NOT NULL,
	tables TEXT NOT NULL,
	b TEXT,
	CONSTRAINT pk_metric_artifacts PRIMARY KEY (id),
	CONSTRAINT uq_metric_artifacts_run_id_node_id UNIQUE (run_id, node_id),
	CONSTRAINT fk_metric_artifacts_run_id_runs FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE metrics (
	id INTEGER NOT NULL,
	run_id TEXT NOT NULL,
	node_id TEXT NOT NULL,
	name TEXT NOT NULL,
	value FLOAT,
	CONSTRAINT pk_metrics PRIMARY KEY (id),
	CONSTRAINT uq_metrics_run_id_node_id_name UNIQUE (run_id, node_id, name),
	CONSTRAINT fk_metrics_run_id_runs FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE node_runs (
	id INTEGER NOT NULL,
	run_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	node_id TEXT NOT NULL,
	node_type TEXT NOT NULL,
	status TEXT NOT NULL,
	seconds FLOAT,
	message TEXT DEFAULT '' NOT NULL,
	details TEXT DEFAULT '' NOT NULL,
	log TEXT DEFAULT '' NOT NULL,
	outputs TEXT NOT NULL,
	fingerprints TEXT NOT NULL,
	CONSTRAINT pk_node_runs PRIMARY KEY (id),
	CONSTRAINT uq_node_runs_run_id_node_id UNIQUE (run_id, node_id),
	CONSTRAINT ck_node_runs_status CHECK (status IN ('done', 'cached', 'failed', 'skipped', 'cancelled')),
	CONSTRAINT fk_node_runs_run_id_runs FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE pipelines (
	id INTEGER NOT NULL,
	name TEXT NOT NULL,
	document TEXT NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT pk_pipelines PRIMARY KEY (id),
	CONSTRAINT uq_pipelines_name UNIQUE (name)
);

CREATE TABLE runs (
	id TEXT NOT NULL,
	pipeline_name TEXT NOT NULL,
	pipeline TEXT NOT NULL,
	overrides TEXT NOT NULL,
	params TEXT NOT NULL,
	status TEXT NOT NULL,
	started_at DATETIME NOT NULL,
	finished_at DATETIME,
	seconds FLOAT,
	environment TEXT NOT NULL,
	error TEXT DEFAULT '' NOT NULL,
	pid INTEGER,
	hostname TEXT,
	CONSTRAINT pk_runs PRIMARY KEY (id),
	CONSTRAINT ck_runs_status CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted'))
);

CREATE INDEX ix_metrics_name_value ON metrics (name, value);

CREATE INDEX ix_runs_pipeline_name ON runs (pipeline_name);

CREATE INDEX ix_runs_started_at ON runs (started_at);
