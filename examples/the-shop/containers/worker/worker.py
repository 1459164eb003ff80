import time

while True:
    print("worker: processing order queue", flush=True)
    time.sleep(30)
