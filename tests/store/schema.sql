PRAGMA application_id = 1296848722;

PRAGMA user_version = 3;

CREATE TABLE artifacts (
	sha256 TEXT NOT NULL,
	format TEXT NOT NULL,
	size INTEGER NOT NULL,
	data BLOB NOT NULL,
	created_at DATETIME NOT NULL,
	CONSTRAINT pk_artifacts PRIMARY KEY (sha256)
);

CREATE TABLE data_asset_versions (
	id INTEGER NOT NULL,
	asset_id INTEGER NOT NULL,
	version INTEGER NOT NULL,
	kind TEXT NOT NULL,
	uri TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	size INTEGER NOT NULL,
	rows INTEGER,
	columns INTEGER,
	schema TEXT NOT NULL,
	created_at DATETIME NOT NULL,
	CONSTRAINT pk_data_asset_versions PRIMARY KEY (id),
	CONSTRAINT uq_data_asset_versions_asset_id_version UNIQUE (asset_id, version),
	CONSTRAINT fk_data_asset_versions_asset_id_data_assets FOREIGN KEY(asset_id) REFERENCES data_assets (id) ON DELETE CASCADE
);

CREATE TABLE data_assets (
	id INTEGER NOT NULL,
	name TEXT NOT NULL,
	description TEXT DEFAULT '' NOT NULL,
	created_at DATETIME NOT NULL,
	CONSTRAINT pk_data_assets PRIMARY KEY (id),
	CONSTRAINT uq_data_assets_name UNIQUE (name)
);

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

CREATE TABLE metric_steps (
	id INTEGER NOT NULL,
	run_id TEXT NOT NULL,
	node_id TEXT NOT NULL,
	name TEXT NOT NULL,
	step INTEGER NOT NULL,
	value FLOAT,
	CONSTRAINT pk_metric_steps PRIMARY KEY (id),
	CONSTRAINT uq_metric_steps_run_id_node_id_name_step UNIQUE (run_id, node_id, name, step),
	CONSTRAINT fk_metric_steps_run_id_runs FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
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

CREATE TABLE model_aliases (
	id INTEGER NOT NULL,
	model_id INTEGER NOT NULL,
	alias TEXT NOT NULL,
	version_id INTEGER NOT NULL,
	CONSTRAINT pk_model_aliases PRIMARY KEY (id),
	CONSTRAINT uq_model_aliases_model_id_alias UNIQUE (model_id, alias),
	CONSTRAINT fk_model_aliases_model_id_registered_models FOREIGN KEY(model_id) REFERENCES registered_models (id) ON DELETE CASCADE,
	CONSTRAINT fk_model_aliases_version_id_model_versions FOREIGN KEY(version_id) REFERENCES model_versions (id) ON DELETE CASCADE
);

CREATE TABLE model_version_tags (
	id INTEGER NOT NULL,
	version_id INTEGER NOT NULL,
	"key" TEXT NOT NULL,
	value TEXT NOT NULL,
	CONSTRAINT pk_model_version_tags PRIMARY KEY (id),
	CONSTRAINT uq_model_version_tags_version_id_key UNIQUE (version_id, "key"),
	CONSTRAINT fk_model_version_tags_version_id_model_versions FOREIGN KEY(version_id) REFERENCES model_versions (id) ON DELETE CASCADE
);

CREATE TABLE model_versions (
	id INTEGER NOT NULL,
	model_id INTEGER NOT NULL,
	version INTEGER NOT NULL,
	run_id TEXT NOT NULL,
	node_id TEXT NOT NULL,
	port TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	pipeline_name TEXT NOT NULL,
	task TEXT NOT NULL,
	label TEXT,
	signature TEXT NOT NULL,
	features TEXT NOT NULL,
	classes TEXT,
	metrics TEXT NOT NULL,
	environment TEXT NOT NULL,
	description TEXT DEFAULT '' NOT NULL,
	created_at DATETIME NOT NULL,
	CONSTRAINT pk_model_versions PRIMARY KEY (id),
	CONSTRAINT uq_model_versions_model_id_version UNIQUE (model_id, version),
	CONSTRAINT fk_model_versions_model_id_registered_models FOREIGN KEY(model_id) REFERENCES registered_models (id) ON DELETE CASCADE,
	CONSTRAINT fk_model_versions_run_id_runs FOREIGN KEY(run_id) REFERENCES runs (id),
	CONSTRAINT fk_model_versions_sha256_artifacts FOREIGN KEY(sha256) REFERENCES artifacts (sha256)
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

CREATE TABLE pipeline_revisions (
	id INTEGER NOT NULL,
	pipeline_name TEXT NOT NULL,
	revision INTEGER NOT NULL,
	document TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	saved_at DATETIME NOT NULL,
	CONSTRAINT pk_pipeline_revisions PRIMARY KEY (id),
	CONSTRAINT uq_pipeline_revisions_pipeline_name_revision UNIQUE (pipeline_name, revision)
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

CREATE TABLE registered_models (
	id INTEGER NOT NULL,
	name TEXT NOT NULL,
	description TEXT DEFAULT '' NOT NULL,
	created_at DATETIME NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT pk_registered_models PRIMARY KEY (id),
	CONSTRAINT uq_registered_models_name UNIQUE (name)
);

CREATE TABLE run_artifacts (
	id INTEGER NOT NULL,
	run_id TEXT NOT NULL,
	node_id TEXT NOT NULL,
	port TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	CONSTRAINT pk_run_artifacts PRIMARY KEY (id),
	CONSTRAINT uq_run_artifacts_run_id_node_id_port UNIQUE (run_id, node_id, port),
	CONSTRAINT fk_run_artifacts_run_id_runs FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE,
	CONSTRAINT fk_run_artifacts_sha256_artifacts FOREIGN KEY(sha256) REFERENCES artifacts (sha256)
);

CREATE TABLE run_inputs (
	id INTEGER NOT NULL,
	run_id TEXT NOT NULL,
	node_id TEXT NOT NULL,
	path TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	CONSTRAINT pk_run_inputs PRIMARY KEY (id),
	CONSTRAINT uq_run_inputs_run_id_node_id_path UNIQUE (run_id, node_id, path),
	CONSTRAINT fk_run_inputs_run_id_runs FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE run_notes (
	run_id TEXT NOT NULL,
	text TEXT NOT NULL,
	updated_at DATETIME NOT NULL,
	CONSTRAINT pk_run_notes PRIMARY KEY (run_id),
	CONSTRAINT fk_run_notes_run_id_runs FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
);

CREATE TABLE run_tags (
	id INTEGER NOT NULL,
	run_id TEXT NOT NULL,
	"key" TEXT NOT NULL,
	value TEXT NOT NULL,
	CONSTRAINT pk_run_tags PRIMARY KEY (id),
	CONSTRAINT uq_run_tags_run_id_key UNIQUE (run_id, "key"),
	CONSTRAINT fk_run_tags_run_id_runs FOREIGN KEY(run_id) REFERENCES runs (id) ON DELETE CASCADE
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
	hostname TEXT, metrics_json TEXT DEFAULT '{}' NOT NULL,
	CONSTRAINT pk_runs PRIMARY KEY (id),
	CONSTRAINT ck_runs_status CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted'))
);

CREATE INDEX ix_data_asset_versions_sha256 ON data_asset_versions (sha256);

CREATE INDEX ix_metrics_name_value ON metrics (name, value);

CREATE INDEX ix_model_versions_run_id ON model_versions (run_id);

CREATE INDEX ix_run_artifacts_sha256 ON run_artifacts (sha256);

CREATE INDEX ix_run_inputs_sha256 ON run_inputs (sha256);

CREATE INDEX ix_run_tags_key_value ON run_tags ("key", value);

CREATE INDEX ix_runs_pipeline_name ON runs (pipeline_name);

CREATE INDEX ix_runs_started_at ON runs (started_at);
