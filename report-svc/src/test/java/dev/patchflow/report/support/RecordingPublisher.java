package dev.patchflow.report.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.patchflow.report.domain.CompletionPublisher;
import dev.patchflow.report.messaging.EventPublisher;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.events.RunCompleted;

/** Records what would have been sent, in the same envelope as the real publisher (deterministic id and time). */
public class RecordingPublisher implements CompletionPublisher {

    public final List<CloudEvent<RunCompleted>> sent = new CopyOnWriteArrayList<>();

    @Override
    public String publish(RunCompleted event) {
        CloudEvent<RunCompleted> cloudEvent = EventPublisher.envelope("/patchflow/report-svc", event);
        sent.add(cloudEvent);
        return cloudEvent.id();
    }
}
