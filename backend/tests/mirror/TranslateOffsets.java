// Kafka's own translation of a consumer group's offsets to a MirrorMaker 2 target, for the
// integration tests to compare Plugboard's failover view with (backend/tests/integration/
// mirror.rs runs it as a single-file program on the Kafka jars). Prints one line per partition:
// "<remote topic> <partition> <offset>".
// Usage: java -cp "<kafka jars>/*" TranslateOffsets.java TARGET_BOOTSTRAP SOURCE_ALIAS GROUP
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.mirror.RemoteClusterUtils;

public class TranslateOffsets {
    public static void main(String[] args) throws Exception {
        Map<String, Object> target = Map.of("bootstrap.servers", args[0]);
        Map<TopicPartition, OffsetAndMetadata> translated =
            RemoteClusterUtils.translateOffsets(target, args[1], args[2], Duration.ofSeconds(30));
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : translated.entrySet()) {
            TopicPartition partition = entry.getKey();
            System.out.println(partition.topic() + " " + partition.partition() + " " + entry.getValue().offset());
        }
    }
}
