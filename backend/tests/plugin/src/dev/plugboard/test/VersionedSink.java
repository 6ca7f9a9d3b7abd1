package dev.plugboard.test;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A sink that drops what it reads and reports the version it was built as. The tests build it
 * twice, as two versions installed side by side, so Plugboard's handling of plugin versions
 * (KIP-891) is tested on a real worker.
 */
public class VersionedSink extends SinkConnector {
    private Map<String, String> settings;

    @Override
    public String version() {
        return Build.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        settings = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return Dropping.class;
    }

    /** As many tasks as tasks.max allows, plus `extra.tasks` more: a plugin that makes too
     *  many, which Connect 3.8 and newer fail (KIP-1004). */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        int extra = Integer.parseInt(settings.getOrDefault("extra.tasks", "0"));
        return Collections.nCopies(Math.max(1, maxTasks) + extra, settings);
    }

    @Override
    public void stop() {
    }

    /** Version 1 declares a PASSWORD setting that later versions dropped, under a name no
     *  key-name rule finds: a connector pinned to 1.x must still have it masked. */
    @Override
    public ConfigDef config() {
        ConfigDef config = new ConfigDef()
            // Documentation is a plugin author's HTML: the console shows <b> and no more.
            .define("label", ConfigDef.Type.STRING, "", ConfigDef.Importance.LOW,
                "A label, <b>never</b> read. <img src=x onerror=\"window.pwned=1\">"
                    + "<script>window.pwned=2</script><a href=\"javascript:window.pwned=3\">a link</a>")
            .define("extra.tasks", ConfigDef.Type.INT, 0, ConfigDef.Importance.LOW,
                "How many tasks to make beyond tasks.max (to test its enforcement)");
        if (Build.VERSION.startsWith("1.")) {
            config.define("routing.material", ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.LOW,
                "Unused; secret in version 1 only");
        }
        return config;
    }

    /** The task: reports the same version and drops every record. */
    public static class Dropping extends SinkTask {
        @Override
        public String version() {
            return Build.VERSION;
        }

        @Override
        public void start(Map<String, String> props) {
        }

        @Override
        public void put(Collection<SinkRecord> records) {
        }

        @Override
        public void stop() {
        }
    }
}
