from firmcorpus.cli import main

# guarded: datatrove's forkserver workers import the main module (as __mp_main__) when they start
if __name__ == "__main__":
    main()
