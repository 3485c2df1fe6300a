package dev.tutti.engine.schema;

/** How a feature's values travel: numbers as they are, categories as integer codes into a label list. */
public enum FeatureType {
    NUMERIC,
    CATEGORICAL
}
