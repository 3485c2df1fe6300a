package dev.tutti.trainer;

import dev.tutti.trainer.family.LightGbmFamily;
import dev.tutti.trainer.family.LinearFamily;
import dev.tutti.trainer.family.MemberFamily;
import dev.tutti.trainer.family.MlpFamily;
import dev.tutti.trainer.family.XGBoostFamily;
import java.util.Map;

/** The member families by name. Stateless. */
final class Families {
    private static final Map<String, MemberFamily> ALL = Map.of(
            XGBoostFamily.NAME, new XGBoostFamily(),
            LightGbmFamily.NAME, new LightGbmFamily(),
            LinearFamily.NAME, new LinearFamily(),
            MlpFamily.NAME, new MlpFamily());

    private Families() {}

    static MemberFamily get(String name) {
        MemberFamily family = ALL.get(name);
        if (family == null) {
            throw new IllegalArgumentException("no member family '" + name + "'; families: " + ALL.keySet());
        }
        return family;
    }
}
