package dev.patchflow.report.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.patchflow.report.domain.CompletionPublisher;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.events.RunCompleted;

/** Records what would have been sent, with the same deterministic event id as the real publisher. */
public class RecordingPublisher implements CompletionPublisher {

    public final List<CloudEvent<RunCompleted>> sent = new CopyOnWriteArrayList<>();

    @Override
    public String publish(RunCompleted event) {
        CloudEvent<RunCompleted> cloudEvent = CloudEvent.of("/patchflow/report-svc", event);
        sent.add(cloudEvent);
        return cloudEvent.id();
    }
}
