package dev.tutti.trainer.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One member to train: its id within the library (part of its registry name), its family and the
 * family's hyper-parameters (numbers, strings or booleans, in a stable order; written to the
 * registry as they are). Immutable (the parameters are copied); safe to share between threads.
 *
 * @param id lower-case letters, digits, {@code .}, {@code -}, {@code _}; e.g. {@code xgboost-d4-lr0.1}
 * @param family a family name: {@code xgboost}, {@code lightgbm}, {@code linear}, {@code mlp}
 */
public record MemberRecipe(String id, String family, Map<String, Object> params) {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    public MemberRecipe {
        Objects.requireNonNull(family, "family");
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("member id '" + id + "' must match " + ID);
        }
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    public double number(String key) {
        Object value = params.get(key);
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException("member " + id + ": parameter " + key + " is " + value + ", not a number");
        }
        return n.doubleValue();
    }

    public int integer(String key) {
        return (int) number(key);
    }

    public String text(String key) {
        Object value = params.get(key);
        if (value == null) {
            throw new IllegalArgumentException("member " + id + ": parameter " + key + " is not set");
        }
        return value.toString();
    }

    public boolean flag(String key) {
        return Boolean.parseBoolean(text(key));
    }

    /** This recipe with one parameter replaced (tests shrink round and epoch counts this way). */
    public MemberRecipe with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(params);
        copy.put(key, value);
        return new MemberRecipe(id, family, copy);
    }
}
