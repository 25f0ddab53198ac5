"""SQLAlchemy models, one module per domain. Importing this package registers them all."""
from models.activity import (Activity, ActivityParticipant, ActivityPhoto, ActivityRecord,
                             Attendance, PresenceInterval)
from models.assessment import AnnualAssessment, AssessmentRound
from models.audit import AuditLog
from models.briefing import Briefing, BriefingImage
from models.calendar import CalendarFeed
from models.chat import ChatMessage, ChatMute, RoomCounter
from models.certification import Certification
from models.course import (Course, CourseAdoption, CourseModule, ModuleProgress,
                           QuizAttempt, QuizQuestion)
from models.case import CaseTransition, CaseVersion, LessonCase, Review, StoredFile, VideoComment
from models.hours import HourEntry
from models.imports import ImportBatch
from models.job import Job
from models.lesson_plan import PlanSection, SectionVersion, SharedLessonPlan
from models.notification import Notification, ReminderSent
from models.observation import Observation
from models.plan import GrowthPlan, PlanComment, PlanEvidence, PlanVersion
from models.region import Programme, Region
from models.showcase import ShowcaseEntry
from models.project import ProjectMember, ProjectReport, ResearchProject
from models.studio import MentorGroup, MentorGroupMember, Membership, Studio
from models.task import Assignment, Task
from models.thread import Post, Thread, ThreadRead
from models.user import User

__all__ = [
    "AnnualAssessment", "AssessmentRound", "Briefing", "BriefingImage", "Certification", "Programme", "Region",
    "Activity", "ActivityParticipant", "ActivityPhoto", "ActivityRecord", "Attendance",
    "CalendarFeed", "PresenceInterval", "Course", "CourseAdoption", "CourseModule",
    "ModuleProgress", "QuizAttempt", "QuizQuestion",
    "ChatMessage", "ChatMute", "Post", "RoomCounter", "Thread", "ThreadRead",
    "Assignment", "AuditLog", "CaseTransition", "CaseVersion", "HourEntry", "ImportBatch", "Job",
    "GrowthPlan", "LessonCase", "MentorGroup", "MentorGroupMember", "Membership", "Notification",
    "Observation", "PlanComment", "PlanSection", "SectionVersion", "SharedLessonPlan", "PlanEvidence", "PlanVersion", "ProjectMember", "ProjectReport",
    "ReminderSent", "ResearchProject", "Review", "ShowcaseEntry",
    "StoredFile", "Studio", "Task", "User", "VideoComment",
]
